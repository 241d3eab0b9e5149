#!/usr/bin/env python3
"""Sizes of the runnable jar with and without each optional provider module (see jar-size.sh).

A variant is the built jar minus the entries that came from the module and from the libraries only it pulled in (its
subtree in mfa-runner's `mvn dependency:tree`, where a library shows up once, under the first dependency that reaches
it), with the module's lines dropped from META-INF/services. Each variant is checked by running `plugins` on it.
"""
import os
import re
import subprocess
import sys
import zipfile

OPTIONAL = ["mfa-monitor-github", "mfa-monitor-aws", "mfa-notifier-slack"]


def subtrees(tree_file):
    """Direct dependency artifactId -> list of (group, artifact, version) in its subtree, itself first."""
    result, current = {}, None
    for line in open(tree_file):
        m = re.match(r"^([|+\\ -]*)([^:\s]+):([^:]+):jar:([^:]+):(compile|runtime)", line.rstrip())
        if not m:
            continue
        depth = len(m.group(1)) // 3
        gav = (m.group(2), m.group(3), m.group(4))
        if depth == 1:
            current = gav[1]
            result[current] = [gav]
        elif current is not None and depth > 1:
            result[current].append(gav)
    return result


def jar_of(repo, m2, gav):
    group, artifact, version = gav
    if group == "dev.mfamonitor":
        return os.path.join(repo, artifact, "target", f"{artifact}-{version}.jar")
    return os.path.join(m2, *group.split("."), artifact, version, f"{artifact}-{version}.jar")


def entries_of(jar, gav):
    keep_meta = f"META-INF/maven/{gav[0]}/{gav[1]}/"
    with zipfile.ZipFile(jar) as z:
        return {n for n in z.namelist()
                if not n.endswith("/") and (not n.startswith("META-INF/") or n.startswith(keep_meta))}


def build_variant(full, out, removed):
    removed_classes = {n[:-len(".class")].replace("/", ".") for n in removed if n.endswith(".class")}
    with zipfile.ZipFile(full) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in removed:
                continue
            data = src.read(info.filename)
            if info.filename.startswith("META-INF/services/") and not info.filename.endswith("/"):
                lines = [l for l in data.decode().splitlines() if l.split("#")[0].strip() not in removed_classes]
                data = ("\n".join(lines) + "\n").encode()
            dst.writestr(info, data)


def main():
    repo, full, tree_file, out_dir = sys.argv[1:5]
    m2 = os.environ.get("M2_REPO", os.path.expanduser("~/.m2/repository"))
    trees = subtrees(tree_file)
    present = [m for m in OPTIONAL if m in trees]
    absent = [m for m in OPTIONAL if m not in trees]
    removed_by = {}
    for module in present:
        names = set()
        for gav in trees[module]:
            names |= entries_of(jar_of(repo, m2, gav), gav)
        removed_by[module] = names
    variants = [("as built (" + ", ".join(present) + ")", set())]
    variants += [(f"without {m}", removed_by[m]) for m in present]
    if len(present) > 1:
        variants.append(("without " + " and ".join(present), set().union(*removed_by.values())))
    os.makedirs(out_dir, exist_ok=True)
    print(f"{full} as shaded: {os.path.getsize(full):,} bytes")
    print(f"{'variant':<70} {'bytes':>11} {'MB':>6}  types `plugins` lists")
    for name, removed in variants:
        # Every variant, the full one too, is recompressed the same way so that the sizes compare.
        jar = os.path.join(out_dir, re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + ".jar")
        build_variant(full, jar, removed)
        listing = subprocess.run(["java", "-jar", jar, "plugins"], capture_output=True, text=True)
        types = [l.split()[1] for l in listing.stdout.splitlines()[1:] if l.strip()]
        status = ", ".join(types) if listing.returncode == 0 else f"FAILED (exit {listing.returncode})"
        size = os.path.getsize(jar)
        print(f"{name:<70} {size:>11,} {size / 1e6:>6.1f}  {status}")
    if absent:
        print("not in this build (so not measured): " + ", ".join(absent))


if __name__ == "__main__":
    main()
