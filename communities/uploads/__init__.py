"""What every kind of upload shares: the picture pipeline (``images``) and the PDF check
(``pdf``). The boards and chat each bind them to their own limits."""
