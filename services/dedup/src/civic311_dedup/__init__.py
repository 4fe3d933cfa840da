"""civic311 dedup: on each new request, looks for open requests of the same type near the same place
and time; links a sure duplicate to its original and flags an unsure one for staff review.

That work arrives with its own issue; until then the service consumes `RequestCreated` and logs it.
"""
