"""心育资源库: the content model, checker, and generators behind the site.

Plain Python, tested without MkDocs. The MkDocs hook in hooks/ only calls into this package.
"""
