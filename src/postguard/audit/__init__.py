"""``postguard audit``: check what was already published, on a Dask cluster.

``archives`` unpacks .zip and .tar sources member by member; ``sources`` turns each SOURCE into
partitions (small, picklable addresses of documents); ``records`` reads a partition's posts back on
a worker, with their post times; ``partitions`` checks one partition with the engine each worker
builds once; ``outputs`` keeps completed partitions on disk (so a rerun resumes) and writes the
findings, the failures and the summary; ``report`` renders the offline HTML report; ``run`` drives
the cluster.
"""
