"""
WordPress export (WXR) files built in tests, as WordPress writes them
(wp-admin/includes/export.php): self-hosted WordPress's (WXR 1.2, text in
CDATA) or WordPress.com's variant (WXR 1.1 namespaces under other prefixes,
text escaped instead of in CDATA).
"""

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

NAMESPACES = {
    "self-hosted": {
        "wp": "http://wordpress.org/export/1.2/",
        "excerpt": "http://wordpress.org/export/1.2/excerpt/",
        "version": "1.2",
    },
    "wordpress.com": {
        "wp": "http://wordpress.org/export/1.1/",
        "excerpt": "http://wordpress.org/export/1.1/excerpt/",
        "version": "1.1",
    },
}


@dataclass
class Post:
    post_id: int
    title: str = ""
    content: str = ""
    excerpt: str = ""
    slug: str = ""
    status: str = "publish"
    post_type: str = "post"
    date: str = "2019-05-01 10:00:00"
    creator: str = "jdoe"
    link: str = ""
    parent: int = 0
    menu_order: int = 0
    password: str = ""
    attachment_url: str = ""
    categories: list = field(default_factory=list)  # (slug, name)
    tags: list = field(default_factory=list)  # (slug, name)
    coauthors: list = field(default_factory=list)  # logins
    meta: dict = field(default_factory=dict)


class Export:
    def __init__(self, variant="self-hosted", site="https://old.example.com"):
        self.variant = variant
        self.site = site
        self.authors = []  # (id, login, display name)
        self.categories = []  # (id, slug, name, parent slug)
        self.tags = []  # (id, slug, name)
        self.terms = []  # (id, taxonomy, slug, name)
        self.items = []

    def text(self, value):
        value = str(value)
        if self.variant == "self-hosted":
            return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"
        return escape(value)

    def xml(self):
        ns = NAMESPACES[self.variant]
        # WordPress.com's files name the namespaces differently; what counts
        # is the address.
        wp, ex = ("wp", "excerpt") if self.variant == "self-hosted" else ("wpc", "ex")
        t = self.text
        out = [
            '<?xml version="1.0" encoding="UTF-8" ?>',
            f'<rss version="2.0" xmlns:{ex}="{ns["excerpt"]}" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            f'xmlns:{wp}="{ns["wp"]}">',
            "<channel>",
            "<title>The Old Gazette</title>",
            f"<link>{self.site}</link>",
            f"<{wp}:wxr_version>{ns['version']}</{wp}:wxr_version>",
            f"<{wp}:base_site_url>{self.site}</{wp}:base_site_url>",
            f"<{wp}:base_blog_url>{self.site}</{wp}:base_blog_url>",
        ]
        for author_id, login, name in self.authors:
            out.append(
                f"<{wp}:author><{wp}:author_id>{author_id}</{wp}:author_id>"
                f"<{wp}:author_login>{t(login)}</{wp}:author_login>"
                f"<{wp}:author_email>{t(login + '@example.com')}</{wp}:author_email>"
                f"<{wp}:author_display_name>{t(name)}</{wp}:author_display_name>"
                f"</{wp}:author>"
            )
        for term_id, slug, name, parent in self.categories:
            out.append(
                f"<{wp}:category><{wp}:term_id>{term_id}</{wp}:term_id>"
                f"<{wp}:category_nicename>{t(slug)}</{wp}:category_nicename>"
                f"<{wp}:category_parent>{t(parent)}</{wp}:category_parent>"
                f"<{wp}:cat_name>{t(name)}</{wp}:cat_name></{wp}:category>"
            )
        for term_id, slug, name in self.tags:
            out.append(
                f"<{wp}:tag><{wp}:term_id>{term_id}</{wp}:term_id>"
                f"<{wp}:tag_slug>{t(slug)}</{wp}:tag_slug>"
                f"<{wp}:tag_name>{t(name)}</{wp}:tag_name></{wp}:tag>"
            )
        for term_id, taxonomy, slug, name in self.terms:
            out.append(
                f"<{wp}:term><{wp}:term_id>{term_id}</{wp}:term_id>"
                f"<{wp}:term_taxonomy>{t(taxonomy)}</{wp}:term_taxonomy>"
                f"<{wp}:term_slug>{t(slug)}</{wp}:term_slug>"
                f"<{wp}:term_name>{t(name)}</{wp}:term_name></{wp}:term>"
            )
        for post in self.items:
            out.append(self.item(post, wp, ex))
        out += ["</channel>", "</rss>"]
        return "\n".join(out)

    def item(self, post, wp, ex):
        t = self.text
        link = post.link or f"{self.site}/?p={post.post_id}"
        parts = [
            "<item>",
            f"<title>{t(post.title)}</title>",
            f"<link>{escape(link)}</link>",
            "<pubDate>Wed, 01 May 2019 10:00:00 +0000</pubDate>",
            f"<dc:creator>{t(post.creator)}</dc:creator>",
            f"<content:encoded>{t(post.content)}</content:encoded>",
            f"<{ex}:encoded>{t(post.excerpt)}</{ex}:encoded>",
            f"<{wp}:post_id>{post.post_id}</{wp}:post_id>",
            f"<{wp}:post_date>{t(post.date)}</{wp}:post_date>",
            f"<{wp}:post_date_gmt>{t(post.date)}</{wp}:post_date_gmt>",
            f"<{wp}:post_modified_gmt>{t(post.date)}</{wp}:post_modified_gmt>",
            f"<{wp}:post_name>{t(post.slug)}</{wp}:post_name>",
            f"<{wp}:status>{t(post.status)}</{wp}:status>",
            f"<{wp}:post_parent>{post.parent}</{wp}:post_parent>",
            f"<{wp}:menu_order>{post.menu_order}</{wp}:menu_order>",
            f"<{wp}:post_type>{t(post.post_type)}</{wp}:post_type>",
            f"<{wp}:post_password>{t(post.password)}</{wp}:post_password>",
        ]
        if post.attachment_url:
            parts.append(
                f"<{wp}:attachment_url>{t(post.attachment_url)}</{wp}:attachment_url>"
            )
        for domain, terms in (("category", post.categories), ("post_tag", post.tags)):
            parts += [
                f'<category domain="{domain}" nicename="{escape(slug)}">{t(name)}'
                "</category>"
                for slug, name in terms
            ]
        parts += [
            f'<category domain="author" nicename="cap-{escape(login)}">{t(login)}'
            "</category>"
            for login in post.coauthors
        ]
        for key, value in post.meta.items():
            parts.append(
                f"<{wp}:postmeta><{wp}:meta_key>{t(key)}</{wp}:meta_key>"
                f"<{wp}:meta_value>{t(value)}</{wp}:meta_value></{wp}:postmeta>"
            )
        parts.append("</item>")
        return "\n".join(parts)

    def write(self, path):
        path.write_text(self.xml(), encoding="utf-8")
        return path
