"""Forecasts (pure): when a waiting step will start, the peak demand of a workflow against its
quota, and when the workflow will finish.

inputs.py reads capacity, the running set and the queue of a ClusterQueue from plain dicts;
simulate.py replays Kueue's admission over them; demand.py turns a Workflow into the pods it
will run; wording.py says what came out and what it rests on; steps.py joins them for a report.
"""
