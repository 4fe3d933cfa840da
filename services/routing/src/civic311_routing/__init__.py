"""civic311 routing: gives each new request a department, queue, priority and SLA due time (an Assigned),
acts on staff transfers (a new Assigned, or a TransferRefused with the reason), and warns supervisors
before and at an SLA breach. Routing alone computes due times."""
