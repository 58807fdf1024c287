"""Tagged PDF handouts: the same chapter XHTML as the EPUB, laid out by WeasyPrint, then checked."""
