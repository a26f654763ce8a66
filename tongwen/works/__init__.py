"""Works and editions: records of the same work from different libraries, in different scripts, grouped.

A cluster is a layer over the store, never a merge: every record stays as its library catalogued it.

    >>> from tongwen.works import Works
    >>> works = Works.open(settings.database)    # doctest: +SKIP
    >>> works.update(store)                            # doctest: +SKIP
    >>> works.cluster_of("ndl-demo:ndl0019").held_by   # doctest: +SKIP
    'held by NDL, NLB, NLC, NLK, NLV (7 copies)'
"""

from tongwen.works.store import ClusterInfo, UpdateReport, Works

__all__ = ["ClusterInfo", "UpdateReport", "Works"]
