"""A job that waits for another job of its own one-worker pool: the other job is queued behind the one that waits.

Run it with `python3 pool_failure.py`. It never finishes and prints nothing. render_page() runs
on the pool's only worker and submits render_header() to the same pool, then blocks in
.result(); render_header() waits in the queue for a free worker, and the only worker is the
one waiting for it. Stop it by killing the process.
"""
from concurrent.futures import ThreadPoolExecutor


def render_header(page: str) -> str:
    return f"<h1>{page}</h1>"


# region render
def render_page(pool: ThreadPoolExecutor, page: str) -> str:
    header = pool.submit(render_header, page)  # queued behind the job that is running: this one
    return header.result() + f"<p>body of {page}</p>"  # ❌ the only worker waits for itself


def main() -> str:
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="render") as pool:
        return pool.submit(render_page, pool, "index").result()
# endregion render


if __name__ == "__main__":
    print(main())
