"""Digital archiving: items as BagIt bags, bags from partner nodes, fixity, PREMIS-style preservation events.

- `tongwen.archive.bag`: write one item as a bag (layout in its docstring);
- `tongwen.archive.reading`: verify a bag and import the item it holds, nothing lost;
- `tongwen.archive.fixity`: recompute recorded checksums, validate bags, report (never repair);
- `tongwen.archive.events`: the events and recorded checksums, in tables of their own;
- `tongwen.archive.commands`: `tongwen archive …` and `tongwen fixity`.
"""
