"""The floor: replay the exact GETs a plugin run made, with the kubernetes client, and only decode them.

Run as a subprocess (so interpreter start-up and the import of `kubernetes` cost the same as for
the plugin):

    python benchmarks/floor.py KUBECONFIG REQUESTS.json

REQUESTS.json is a list of [path, {query}] in the order the plugin sent them (taken from the fake
API server's request log). Every body is decoded with json.loads and kept until the end, as the
plugin keeps its snapshot; nothing else is done with it. BENCH_FLOOR_NO_GC=1 disables the cyclic
garbage collector (the plugin pauses it while it reads), for a leaner floor.
"""
import gc
import json
import os
import sys


def main(argv):
    kubeconfig, requests_file = argv[1], argv[2]
    if os.environ.get("BENCH_FLOOR_NO_GC"):   # a leaner floor: no cyclic GC while decoding
        gc.disable()
    with open(requests_file, encoding="utf-8") as handle:
        requests = json.load(handle)
    from kubernetes import config
    from kubernetes.client.exceptions import ApiException

    api_client = config.new_client_from_config(config_file=kubeconfig)
    kept = []
    for path, query in requests:
        try:
            response = api_client.call_api(
                path, "GET", query_params=list(query.items()), header_params={"Accept": "application/json"},
                auth_settings=["BearerToken"], _preload_content=False, _request_timeout=(10.0, 60.0))
            body = response.data
        except ApiException as err:  # the plugin also reads error replies (404 of an optional object)
            body = err.body
        kept.append(json.loads(body))
    sys.stdout.write(f"{len(kept)}\n")


if __name__ == "__main__":
    main(sys.argv)
