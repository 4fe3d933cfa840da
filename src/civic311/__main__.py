"""python -m civic311: the same as the civic311 command."""

from civic311.cli import main

if __name__ == "__main__":
    main()
