"""ISF's side: the master register (huvudregister), merge, status, receipts and the follow-up lists."""
