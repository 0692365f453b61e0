"""A job that waits for other jobs submits them to a separate pool, whose jobs never wait: it always drains.

Run it with `python3 pool_solution.py`. It finishes in well under a second and prints what the
workload ran and checked: 100 pages at once on a two-worker page pool, each waiting for its
header from a two-worker header pool, four times.
"""
import threading
from concurrent.futures import ThreadPoolExecutor


class InvariantBroken(AssertionError):
    """A page lost its header, or a header job ran on the page pool."""


def render_header(page: str) -> str:
    return f"<h1>{page}</h1>:{threading.current_thread().name}"


# region render
def render_page(headers: ThreadPoolExecutor, page: str) -> str:
    header = headers.submit(render_header, page)  # ✓ another pool: its workers never wait for pages
    return header.result() + f"<p>body of {page}</p>"


def render_site(pages: list[str]) -> list[str]:
    with (
        ThreadPoolExecutor(max_workers=2, thread_name_prefix="headers") as headers,
        ThreadPoolExecutor(max_workers=2, thread_name_prefix="pages") as site,
    ):
        jobs = [site.submit(render_page, headers, page) for page in pages]
        return [job.result(timeout=2) for job in jobs]
# endregion render


def main() -> dict:
    pages = [f"page-{n}" for n in range(100)]
    for round in range(4):
        rendered = render_site(pages)
        for page, html in zip(pages, rendered, strict=True):
            header, _, rest = html.partition(":")
            if header != f"<h1>{page}</h1>" or not rest.startswith("headers_"):
                raise InvariantBroken(f"round {round}: {page} rendered as {html!r}")
    return {
        "concurrent": len(pages),
        "pages": len(pages) * 4,
        "invariants": [
            "every page rendered with its own header",
            "every header rendered on the header pool",
            "every job returned",
        ],
    }


if __name__ == "__main__":
    print(main())
