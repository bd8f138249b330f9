"""Text kept in the cache as plain text: plain()."""


def plain(text):
    """
    `text` (HTML rendered, marked safe or not) as a plain str, for keeping
    in the cache, which pickles what it keeps: a SafeString takes about
    three times as long to pickle as a str, and its class is looked up
    again on every read. Whoever shows it again marks it safe.
    """
    return str.__str__(text)
