"""Where the scripts of tools/nfn-reference find things, with no machine-specific path:
the repository is the folder two levels above this file, and NFN's checkout is --nfn-src, else
$NFN_SRC, else `nfn-src` beside the repository (README.md, "Setup")."""
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_NFN_SRC = os.environ.get("NFN_SRC", os.path.join(os.path.dirname(REPO), "nfn-src"))
NFN_SRC_HELP = "NFN checkout (default: $NFN_SRC, else nfn-src beside the repository)"


def import_nfn(src, experiments=False):
    """Puts the NFN checkout (and, for experiments.models, its bundled perceiver-pytorch) on sys.path."""
    src = os.path.abspath(src)
    if not os.path.isdir(os.path.join(src, "nfn")):
        sys.exit(f"{src}: not an NFN checkout (no nfn/ folder); give --nfn-src or set NFN_SRC")
    sys.path[:0] = [src] + ([os.path.join(src, "experiments", "perceiver-pytorch")] if experiments else [])
    return src
