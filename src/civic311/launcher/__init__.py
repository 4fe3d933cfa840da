"""`civic311 run`: the backbone servers, then every service as its own supervised process."""
