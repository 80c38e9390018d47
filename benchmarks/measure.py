"""Run a module or script and, at exit, write this process's own peak RSS (VmHWM, kB) to a file.

    python benchmarks/measure.py RSS_FILE -m kubectl_kueue_argo status WF
    python benchmarks/measure.py RSS_FILE benchmarks/floor.py KUBECONFIG REQUESTS.json

getrusage/wait4 cannot be used from the harness: on Linux a child's ru_maxrss starts at the RSS of
the process that forked it (the harness holds the whole cluster state), while VmHWM belongs to
the address space created by exec, so it counts the measured program only.
"""
import atexit
import runpy
import sys


def _peak_kb():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    rss_file = sys.argv[1]
    atexit.register(lambda: open(rss_file, "w", encoding="ascii").write(str(_peak_kb())))
    if sys.argv[2] == "-m":
        sys.argv = [sys.argv[3]] + sys.argv[4:]
        runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
    else:
        sys.argv = sys.argv[2:]
        sys.path[0] = __import__("os").path.dirname(__import__("os").path.abspath(sys.argv[0]))
        runpy.run_path(sys.argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
