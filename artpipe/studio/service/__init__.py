"""What the studio does, with no web code in it: requests (made, changed, rendered, shared), the merchant's
decisions and the approval that follows, downloads, workspace photos and a refused form's kept photos. The web
layer parses a page's form into these modules' dataclasses, calls them (in a thread when they read images) and
renders what they return; ``NotFound`` and ``Refused`` are its 404 and 400."""
