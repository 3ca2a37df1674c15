"""The watched inbox: settle, route, process, move; accounted for in a ledger."""
