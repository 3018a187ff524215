"""Build llama.cpp's `llama-server` once, from the llama-cpp-python sdist on PyPI, into a cache.

    python tests/llama/build_server.py          # prints the binary's path (builds when missing)
    python tests/llama/build_server.py --check  # prints the path, exit 1 when not built

The binary goes to ``${EXTRACTOR_TEST_CACHE:-~/.cache/extractor-tests}/llama-server/<version>/``,
outside the clone, and is reused when present. Only the `llama-server` target is built: static
llama/ggml libraries, CPU only, no web UI download, no OpenSSL, no curl. Standard library only, so
it runs before the project is installed. Nothing is fetched from anywhere but PyPI.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

# llama-cpp-python vendors llama.cpp as a git submodule; its sdist ships the sources.
LLAMA_CPP_PYTHON_VERSION = "0.3.36"
CMAKE_OPTIONS = [
    "-DCMAKE_BUILD_TYPE=Release",
    "-DBUILD_SHARED_LIBS=OFF",
    "-DGGML_NATIVE=OFF",  # a portable binary: the cache may outlive this CPU
    "-DGGML_CUDA=OFF",
    "-DGGML_VULKAN=OFF",
    "-DGGML_METAL=OFF",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_BUILD_TOOLS=ON",
    "-DLLAMA_BUILD_SERVER=ON",
    "-DLLAMA_BUILD_UI=OFF",
    "-DLLAMA_USE_PREBUILT_UI=OFF",  # on, the configure step downloads the web UI
    "-DLLAMA_OPENSSL=OFF",
    "-DLLAMA_CURL=OFF",
]


def cache_root() -> Path:
    env = os.environ.get("EXTRACTOR_TEST_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "extractor-tests"


def version_dir() -> Path:
    return cache_root() / "llama-server" / LLAMA_CPP_PYTHON_VERSION


def binary_path() -> Path:
    return version_dir() / "llama-server"


def _run(cmd: list[str], **kwargs: object) -> None:
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, **kwargs)  # type: ignore[call-overload]


def download_sdist(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    name = f"llama_cpp_python-{LLAMA_CPP_PYTHON_VERSION}.tar.gz"
    if not (dest / name).exists():
        _run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-binary",
                ":all:",
                "--no-deps",
                f"llama-cpp-python=={LLAMA_CPP_PYTHON_VERSION}",
                "-d",
                str(dest),
            ]
        )
    return dest / name


def extract_llama_cpp(sdist: Path, dest: Path) -> Path:
    """The vendored llama.cpp tree, without the submodule's `.git` file.

    With that file, llama.cpp's build asks git for its state, finds the tree "dirty" and ninja
    re-runs cmake forever.
    """
    prefix = f"llama_cpp_python-{LLAMA_CPP_PYTHON_VERSION}/vendor/llama.cpp/"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    with tarfile.open(sdist) as tar:
        members = []
        for m in tar.getmembers():
            if not m.name.startswith(prefix):
                continue
            rel = m.name[len(prefix) :]
            if not rel or rel == ".git" or rel.startswith(".git/"):
                continue
            m.name = rel
            members.append(m)
        tar.extractall(dest, members=members, filter="data")
    return dest


def build(jobs: int) -> Path:
    target = binary_path()
    work = version_dir() / "work"
    started = time.monotonic()
    sdist = download_sdist(work)
    src = extract_llama_cpp(sdist, work / "src")
    build_dir = work / "build"
    generator = ["-G", "Ninja"] if shutil.which("ninja") else []
    _run(["cmake", "-S", str(src), "-B", str(build_dir), *generator, *CMAKE_OPTIONS])
    _run(["cmake", "--build", str(build_dir), "--target", "llama-server", "-j", str(jobs)])
    built = build_dir / "bin" / "llama-server"
    tmp = target.with_suffix(".tmp")
    shutil.copy2(built, tmp)
    tmp.replace(target)
    shutil.rmtree(work)
    minutes = (time.monotonic() - started) / 60
    size = target.stat().st_size / 1e6
    print(f"built {target} ({size:.1f} MB) in {minutes:.1f} min", file=sys.stderr)
    return target


def ensure_built(jobs: int = 2) -> Path:
    """The cached binary, building it first when missing (one builder at a time)."""
    target = binary_path()
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():  # another process built it while we waited
            return target
        return build(jobs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report; do not build")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args()
    if args.check:
        if binary_path().exists():
            print(binary_path())
            return 0
        print(f"not built: {binary_path()} (run: python {__file__})", file=sys.stderr)
        return 1
    print(ensure_built(args.jobs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
