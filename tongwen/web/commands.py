"""`tongwen serve`: the portal, the JSON API and the protocol endpoints on one port."""

from __future__ import annotations

import click

from tongwen.config import Settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for all).")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes (one per core helps).")
@click.option("--follow", is_flag=True,
              help="Keep this node's index in step with the store's changes while serving (one worker).")
@click.pass_obj
def serve(settings: Settings, host: str, port: int, workers: int, follow: bool) -> None:
    """Serve the portal and the APIs for the data directory.

    With --follow the server also applies the store's changes to its own index as they come: several nodes,
    each with its own --data, can follow one store (--store) and answer the same searches.

    \b
    Examples:
      tongwen --data ./tongwen-data serve --port 8000
      tongwen --data node2 --store /srv/tongwen/tongwen.sqlite serve --follow --port 8001
    then open http://127.0.0.1:8000 (API description at /docs).
    """
    import uvicorn

    if not settings.database.exists():
        raise click.ClickException(
            f"there is no Tongwen data in {settings.data_dir} yet; load some first with "
            "`tongwen import FILE --source NAME` or `tongwen demo`"
        )
    click.echo(f"Tongwen portal: http://{host}:{port}/   (data: {settings.data_dir}; stop with Ctrl+C)")
    if follow and workers > 1:
        raise click.UsageError("--follow runs in one worker (one index writer per node); for more workers run "
                               "`tongwen index --follow` beside `tongwen serve --workers N`")
    if workers > 1:
        import os

        os.environ["TONGWEN_DATA"] = str(settings.data_dir)
        if settings.store_path:
            os.environ["TONGWEN_STORE"] = str(settings.store_path)
        if settings.database_url:
            os.environ["TONGWEN_DATABASE"] = settings.database_url
        uvicorn.run("tongwen.web.app:app_from_environment", factory=True, host=host, port=port,
                    workers=workers, log_level="warning")
    else:
        from tongwen.web.app import create_app

        uvicorn.run(create_app(settings, follow=follow), host=host, port=port, log_level="warning")
