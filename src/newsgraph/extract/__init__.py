"""From a raw document (HTML or plain text) to the pieces of a clean article."""
