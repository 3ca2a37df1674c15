"""The operators' studio: a web app over the same engine to request banner sets, follow them, send a proof to the
merchant and record the approval (``artpipe serve``)."""
