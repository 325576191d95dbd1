"""Server-rendered public pages: templates, UI texts and the helpers the page routes share."""
