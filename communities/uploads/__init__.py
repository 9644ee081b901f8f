"""What every kind of upload shares: the picture pipeline (``images``), the PDF check
(``pdf``) and the storage of files that only a checking view hands out (``private``).
The boards and chat each bind them to their own limits."""
