"""Reading a resident's SMS or e-mail: the problem, the place, the answers, and the short conversation."""
