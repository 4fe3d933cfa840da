"""Who works the desk, what they ask of a request, and the request as staff see it."""
