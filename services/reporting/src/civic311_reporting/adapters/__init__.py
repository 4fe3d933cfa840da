"""The edges out: city export files and column mappings, output formats, the districts file, SQL."""
