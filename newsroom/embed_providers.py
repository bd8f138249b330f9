"""
The embed providers the paper knows (settings.EMBED_PROVIDERS, where the
environment may keep only some): data, read by the settings.
"""

# The providers an editor may paste a URL of (articles.embeds). Each
# has a name; the URL patterns it accepts (regular expressions whose named
# groups feed `frame`); its oEmbed endpoint (https; None for a provider without
# one, which is shown without fetching anything); `frame`, the iframe readers
# get once they press the facade, on the provider's no-cookie host where it
# has one (a format string of the pattern's groups, `url`, the pasted URL
# quoted, and for maps `bbox`); and `token`, whether the endpoint needs
# EMBED_META_ACCESS_TOKEN (Meta's "app id|client token"): without it,
# Instagram and Facebook embeds are shown without title or thumbnail.
# The variable EMBED_PROVIDERS (comma-separated names) keeps only some (settings).
PROVIDERS = [
    {
        "name": "YouTube",
        "patterns": [
            r"^https://(?:www\.|m\.)?youtube\.com/watch\?(?:[^#]*&)?v=(?P<id>[\w-]{11})",
            r"^https://(?:www\.|m\.)?youtube\.com/(?:shorts|live|embed)/(?P<id>[\w-]{11})",
            r"^https://youtu\.be/(?P<id>[\w-]{11})",
        ],
        "endpoint": "https://www.youtube.com/oembed",
        "frame": "https://www.youtube-nocookie.com/embed/{id}",
    },
    {
        "name": "Vimeo",
        "patterns": [r"^https://(?:www\.|player\.)?vimeo\.com/(?:video/)?(?P<id>\d+)"],
        "endpoint": "https://vimeo.com/api/oembed.json",
        "frame": "https://player.vimeo.com/video/{id}?dnt=1",
    },
    {
        "name": "X",
        "patterns": [
            r"^https://(?:www\.|mobile\.)?(?:x|twitter)\.com/\w+/status(?:es)?/(?P<id>\d+)"
        ],
        "endpoint": "https://publish.twitter.com/oembed",
        "frame": "https://platform.twitter.com/embed/Tweet.html?id={id}&dnt=true",
    },
    {
        "name": "Instagram",
        "patterns": [r"^https://(?:www\.)?instagram\.com/(?:p|reel|tv)/(?P<id>[\w-]+)"],
        "endpoint": "https://graph.facebook.com/v21.0/instagram_oembed",
        "frame": "https://www.instagram.com/p/{id}/embed/",
        "token": True,
    },
    {
        "name": "Facebook",
        "patterns": [
            r"^https://(?:www\.)?facebook\.com/[\w.]+/(?:posts|videos|photos)/[\w.-]+",
            r"^https://(?:www\.)?facebook\.com/(?:watch/?\?v=|permalink\.php\?)",
        ],
        "endpoint": "https://graph.facebook.com/v21.0/oembed_post",
        "frame": "https://www.facebook.com/plugins/post.php?href={url}",
        "token": True,
    },
    {
        "name": "TikTok",
        "patterns": [r"^https://(?:www\.)?tiktok\.com/@[\w.-]+/video/(?P<id>\d+)"],
        "endpoint": "https://www.tiktok.com/oembed",
        "frame": "https://www.tiktok.com/embed/v2/{id}",
    },
    {
        "name": "Bluesky",
        "patterns": [
            r"^https://bsky\.app/profile/(?P<actor>[\w.:-]+)/post/(?P<id>\w+)"
        ],
        "endpoint": "https://embed.bsky.app/oembed",
        "frame": "https://embed.bsky.app/embed/{actor}/app.bsky.feed.post/{id}",
    },
    {
        "name": "Threads",
        "patterns": [
            r"^https://(?:www\.)?threads\.(?:net|com)/@(?P<user>[\w.]+)/post/(?P<id>[\w-]+)"
        ],
        "endpoint": "https://graph.threads.net/v1.0/oembed",
        "frame": "https://www.threads.net/@{user}/post/{id}/embed",
    },
    {
        "name": "Spotify",
        "patterns": [
            r"^https://open\.spotify\.com/(?P<kind>track|album|playlist|episode|show|artist)/(?P<id>\w+)"
        ],
        "endpoint": "https://open.spotify.com/oembed",
        "frame": "https://open.spotify.com/embed/{kind}/{id}",
    },
    {
        "name": "SoundCloud",
        "patterns": [r"^https://(?:www\.|m\.)?soundcloud\.com/[\w-]+/[\w-]+"],
        "endpoint": "https://soundcloud.com/oembed",
        "frame": "https://w.soundcloud.com/player/?url={url}",
    },
    {
        "name": "Datawrapper",
        "patterns": [
            r"^https://datawrapper\.dwcdn\.net/(?P<id>\w{5})(?:/|$)",
            r"^https://(?:www\.)?datawrapper\.de/_/(?P<id>\w{5})(?:/|$)",
        ],
        "endpoint": "https://api.datawrapper.de/v3/oembed/",
        "frame": "https://datawrapper.dwcdn.net/{id}/",
    },
    {
        "name": "Flourish",
        "patterns": [
            r"^https://public\.flourish\.studio/(?P<kind>visualisation|story)/(?P<id>\d+)"
        ],
        "endpoint": "https://app.flourish.studio/api/v1/oembed",
        "frame": "https://flo.uri.sh/{kind}/{id}/embed",
    },
    {
        "name": "OpenStreetMap",
        "patterns": [
            r"^https://(?:www\.)?openstreetmap\.org/[^#]*#map=(?P<zoom>\d{1,2})/"
            r"(?P<lat>-?\d{1,2}(?:\.\d+)?)/(?P<lon>-?\d{1,3}(?:\.\d+)?)"
        ],
        "endpoint": None,
        "frame": "https://www.openstreetmap.org/export/embed.html"
        "?bbox={bbox}&layer=mapnik&marker={lat},{lon}",
    },
    {
        "name": "Google Maps",
        "patterns": [
            r"^https://(?:www\.|maps\.)?google\.[a-z.]+/maps/[^@]*@(?P<lat>-?\d{1,2}(?:\.\d+)?),"
            r"(?P<lon>-?\d{1,3}(?:\.\d+)?),(?P<zoom>\d{1,2})(?:\.\d+)?z"
        ],
        "endpoint": None,
        "frame": "https://maps.google.com/maps?ll={lat},{lon}&z={zoom}&output=embed",
    },
]
