"""The editors' workflow as files: GitHub Actions workflows, pre-commit hooks, the pull-request
template, and the rule that nothing derived from the data is committed.

The workflows cannot run here. Their syntax is checked against the GitHub workflow schema that
check-jsonschema ships (offline), every ``make`` target they call must exist, every action is
pinned to a version, and the pull-request steps together run exactly what ``make test`` runs; the data
check is a job of its own with the check lock only; the scheduled fresh set-up runs weekly in
debian:bookworm and the newest Debian stable.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from shandong import ROOT
from shandong.config import BUILD, PDF_CACHE, TREE

WORKFLOWS = ROOT / ".github" / "workflows"
PRE_COMMIT = ROOT / ".pre-commit-config.yaml"
VENV_BIN = Path(sys.executable).parent
OFFLINE = {**os.environ, "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
           "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "NO_PROXY": "", "no_proxy": ""}


def workflow(name: str) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as "on".
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(wf: dict) -> list[dict]:
    return [s for job in wf["jobs"].values() for s in job.get("steps", [])]


def make_targets() -> set[str]:
    """The Makefile's targets, from make's own database."""
    out = subprocess.run(["make", "-pRrq", "-f", "Makefile", ":"], cwd=ROOT, capture_output=True, text=True).stdout
    targets, not_target = set(), False
    for line in out.splitlines():
        if line == "# Not a target:":
            not_target = True
            continue
        m = re.match(r"^([A-Za-z][\w.-]*):(?!=)", line)
        if m and not not_target:
            targets.add(m[1])
        not_target = False
    return targets


def make_calls(command: str) -> list[list[str]]:
    """The targets of each `make …` in a shell command."""
    out = []
    for part in re.split(r"&&|\|\||;|\n", command):
        words = shlex.split(part)
        if words and words[0] == "make":
            out.append([w for w in words[1:] if not w.startswith("-") and "=" not in w])
    return out


def make_dry_run(target: str) -> list[str]:
    run = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout.splitlines()


ALL_WORKFLOWS = sorted(p.name for p in WORKFLOWS.glob("*.yml"))


def test_there_are_the_three_workflows():
    assert ALL_WORKFLOWS == ["deploy.yml", "fresh-setup.yml", "pull-request.yml"]


def test_workflows_match_githubs_schema_offline():
    exe = shutil.which("check-jsonschema", path=str(VENV_BIN)) or "check-jsonschema"
    run = subprocess.run([exe, "--builtin-schema", "vendor.github-workflows", *(str(WORKFLOWS / n) for n in ALL_WORKFLOWS)],
                         cwd=ROOT, env=OFFLINE, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_schema_check_would_catch_a_mistake(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text((WORKFLOWS / "pull-request.yml").read_text(encoding="utf-8").replace("runs-on:", "runs_on:"), encoding="utf-8")
    exe = shutil.which("check-jsonschema", path=str(VENV_BIN)) or "check-jsonschema"
    run = subprocess.run([exe, "--builtin-schema", "vendor.github-workflows", str(bad)], env=OFFLINE, capture_output=True, text=True)
    assert run.returncode == 1 and "runs-on" in run.stdout


@pytest.mark.parametrize("name", ALL_WORKFLOWS)
def test_every_make_target_a_workflow_calls_exists(name):
    targets = make_targets()
    calls = [t for s in steps(workflow(name)) if "run" in s for call in make_calls(s["run"]) for t in call]
    assert calls, "the workflow runs make"
    assert [t for t in calls if t not in targets] == []


@pytest.mark.parametrize("name", ALL_WORKFLOWS)
def test_every_action_is_pinned_to_a_version(name):
    uses = [s["uses"] for s in steps(workflow(name)) if "uses" in s]
    assert uses
    for u in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})", u), u


@pytest.mark.parametrize("name", ALL_WORKFLOWS)
def test_every_step_says_what_it_does(name):
    for s in steps(workflow(name)):
        assert s.get("name") or s.get("uses"), s


def test_pull_requests_run_all_of_make_test_in_named_steps():
    wf = workflow("pull-request.yml")
    assert "pull_request" in wf["on"]
    named = {tuple(c): s["name"] for s in steps(wf) if "run" in s for c in make_calls(s["run"])}
    assert {("check",), ("lint",), ("test-unit",), ("test-site",), ("test-browser",)} <= set(named)
    for words in ("Data check", "lint", "Build and links", "Browser"):
        assert any(words.lower() in n.lower() for n in named.values()), words
    # The three test steps are the whole pytest run: their markers partition the tests.
    exprs = [re.search(r'-m pytest -m ("[^"]+"|\S+)', " ".join(make_dry_run(t)))[1].strip('"') for t in ("test-unit", "test-site", "test-browser")]
    assert exprs == ["not build and not browser", "build and not browser", "browser"]
    test_recipe = make_dry_run("test")
    assert any("shandong.data.check" in ln for ln in test_recipe) and any("ruff check" in ln for ln in test_recipe)
    assert any(re.search(r"-m pytest$", ln) for ln in test_recipe)


TOOLS = "apt-get update && apt-get install -y --no-install-recommends ca-certificates git make python3 python3-venv"


@pytest.mark.parametrize("name", ALL_WORKFLOWS)
def test_every_job_starts_from_debian_and_the_readmes_tools(name):
    """Each job that runs make does it in a Debian container that has only the tools the README asks for."""
    for job_id, job in workflow(name)["jobs"].items():
        runs = [s["run"] for s in job.get("steps", []) if "run" in s]
        if not any(make_calls(r) for r in runs):
            continue
        assert str(job["container"]).startswith(("debian:", "${{ matrix.image }}")), job_id
        assert runs[0] == TOOLS, job_id
    assert TOOLS.split("install -y --no-install-recommends ")[1] in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_data_check_is_a_job_of_its_own_with_the_check_lock_only():
    """Editors see the checker's annotations within a couple of minutes of a push: the job installs
    requirements/check.txt only (not WeasyPrint, not the tests' packages, no Debian packages) and runs
    beside the long test job, which does not check the data again (each message is annotated once)."""
    jobs = workflow("pull-request.yml")["jobs"]
    data = jobs["data-check"]
    assert "needs" not in data and data["container"] == "debian:bookworm" and data["timeout-minutes"] <= 10
    assert [c for s in data["steps"] if "run" in s for c in make_calls(s["run"])] == [["check"]]
    assert [s["uses"].split("@")[0] for s in data["steps"] if "uses" in s] == ["actions/checkout"]
    recipe = "\n".join(make_dry_run("check"))
    assert re.findall(r"setup_venv\.py --venv \S+ (\w+)", recipe) == ["check"] and "apt-get" not in recipe
    others = [c for job_id, job in jobs.items() if job_id != "data-check" for s in job["steps"] if "run" in s for c in make_calls(s["run"])]
    assert ["check"] not in others and "data-check" not in str(jobs["test"].get("needs", ""))


def test_the_checker_annotates_each_problem_on_its_line_in_github_actions():
    """GitHub shows `::error file=…,line=…` lines on the pull request's changed lines (GITHUB_ACTIONS=true there)."""
    env = {**os.environ, "GITHUB_ACTIONS": "true", "PYTHONPATH": str(ROOT / "scripts")}
    run = subprocess.run([sys.executable, "-m", "shandong.data.check", str(ROOT / "tests" / "fixtures" / "broken")],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    notes = [ln for ln in run.stdout.splitlines() if ln.startswith("::")]
    assert run.returncode == 1 and notes
    for note in notes:
        assert re.match(r"::error file=data/[\w./-]+\.yaml,line=\d+,col=\d+,title=[^:]+::\S", note), note


def test_a_fresh_set_up_runs_every_week_in_bookworm_and_the_newest_debian_stable():
    """The README's set-up from scratch, nothing cached, then the data check, the site and the unit tests:
    a release upstream that breaks the set-up turns the project red before a newcomer meets it."""
    wf = workflow("fresh-setup.yml")
    assert set(wf["on"]) == {"schedule", "workflow_dispatch"}
    [cron] = [c["cron"] for c in wf["on"]["schedule"]]
    minute, hour, day, month, weekday = cron.split()
    assert (day, month) == ("*", "*") and re.fullmatch(r"[0-6]", weekday) and minute.isdigit() and hour.isdigit()
    [job] = wf["jobs"].values()
    assert job["strategy"]["matrix"]["image"] == ["debian:bookworm", "debian:stable"]
    assert job["container"] == "${{ matrix.image }}" and job["strategy"]["fail-fast"] is False
    calls = [c for s in job["steps"] if "run" in s for c in make_calls(s["run"])]
    assert calls == [["check"], ["site"], ["test-unit"]]
    assert [s["uses"].split("@")[0] for s in job["steps"] if "uses" in s] == ["actions/checkout"]  # no cache


def test_main_is_built_with_briefs_and_deployed_to_pages():
    wf = workflow("deploy.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    all_steps = steps(wf)
    uses = [s["uses"].split("@")[0] for s in all_steps if "uses" in s]
    assert "actions/upload-pages-artifact" in uses and "actions/deploy-pages" in uses
    runs = [t for s in all_steps if "run" in s for c in make_calls(s["run"]) for t in c]
    assert "site" in runs and "check" in runs
    [upload] = [s for s in all_steps if s.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert upload["with"]["path"] == "site"
    deploy = wf["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert wf["jobs"]["build"]["env"]["REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    assert "SHANDONG_BRIEFS" not in (WORKFLOWS / "deploy.yml").read_text(encoding="utf-8"), "the deployed site has the PDF briefs"


# ---------------------------------------------------------------------------
# pre-commit


def pre_commit_hooks() -> list[dict]:
    return [h for repo in yaml.safe_load(PRE_COMMIT.read_text(encoding="utf-8"))["repos"] for h in repo["hooks"]]


def test_pre_commit_hooks_are_local_and_named():
    config = yaml.safe_load(PRE_COMMIT.read_text(encoding="utf-8"))
    assert all(repo["repo"] == "local" for repo in config["repos"]), "nothing is fetched"
    hooks = pre_commit_hooks()
    assert {"yaml-syntax", "data-check", "ruff"} <= {h["id"] for h in hooks}
    assert all(h.get("name") for h in hooks)
    [data] = [h for h in hooks if h["id"] == "data-check"]
    assert data["files"] == "^data/" and make_calls(data["entry"]) == [["check"]]
    for h in hooks:
        for call in make_calls(h["entry"]):
            assert set(call) <= make_targets()


def test_pre_commit_validates_its_config():
    exe = shutil.which("pre-commit", path=str(VENV_BIN))
    assert exe, "pre-commit is in requirements/dev.txt: make venv-dev installs it"
    run = subprocess.run([exe, "validate-config", str(PRE_COMMIT)], cwd=ROOT, env=OFFLINE, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def tracked(pattern: str, types: list[str] | None, exclude: str = "^$") -> list[str]:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    ext = {"yaml": (".yaml", ".yml"), "python": (".py",)}
    out = [f for f in files if re.search(pattern, f) and not re.search(exclude, f) and (ROOT / f).exists()]
    if types:
        out = [f for f in out if f.endswith(tuple(e for t in types for e in ext[t]))]
    return out


@pytest.mark.parametrize("hook", [h["id"] for h in pre_commit_hooks()])
def test_each_hook_passes_on_the_repository(hook):
    """Each hook's command, run as pre-commit would on the tracked files it matches."""
    [h] = [x for x in pre_commit_hooks() if x["id"] == hook]
    files = tracked(h.get("files", ""), h.get("types"), h.get("exclude", "^$"))
    assert files, "the hook applies to some files"
    cmd = shlex.split(h["entry"]) + (files if h.get("pass_filenames", True) else [])
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_yaml_syntax_hook_names_file_and_line(tmp_path):
    ok, bad = tmp_path / "ok.yml", tmp_path / "bad.yaml"
    ok.write_text("site_url: !ENV [SITE_URL, x]\n", encoding="utf-8")
    bad.write_text("a:\n  b: 1\n c: 2\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    run = subprocess.run([sys.executable, "-m", "shandong.data.yaml_syntax", str(ok), str(bad)], env=env, capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stdout.splitlines() == [f"{bad}:3:2: YAML syntax error: while parsing a block mapping did not find expected key"
                                       " (check the indentation, colons and quotes on this line and the line above)"]


# ---------------------------------------------------------------------------
# Pull-request template and the guide


def test_pull_request_template_has_the_editors_checklist():
    text = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    items = re.findall(r"^- \[ \] (.+)$", text, re.M)
    assert len(items) >= 5
    for words in ("make check", "make serve", "aliases", "editorial"):
        assert any(words in item for item in items), words


def test_contributing_names_the_commands_and_files_it_relies_on():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for words in ("make serve", "make check", "make hooks", "data/plan/tasks.yaml", "data/action-2020/measures.yaml",
                  "data/agencies.yaml", "aliases", "# editorial", "REPO_URL", "## English"):
        assert words in text, words
    for target in re.findall(r"`make ([a-z-]+)", text):
        assert target in make_targets(), target


def test_each_data_file_says_what_it_holds_and_where_its_schema_is():
    from shandong.data.check import FILES

    for rel, schema in FILES.values():
        head = (ROOT / "data" / rel).read_text(encoding="utf-8").split("\n", 8)[:8]
        comments = [ln for ln in head if ln.startswith("#")]
        assert any("$schema=" in ln and ln.rstrip().endswith(schema) for ln in comments), rel
        assert any(f"data/schemas/{schema}" in ln for ln in comments), rel
        assert any("CONTRIBUTING.md" in ln for ln in comments), rel


# ---------------------------------------------------------------------------
# Stale output: nothing derived from the data is committed


def test_nothing_derived_from_the_data_is_committed():
    """Pages, feeds, the search worker's table, briefs and downloads are all generated at build time
    into build/ (ignored) or as MkDocs virtual files; so there is nothing that could go stale."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    assert [f for f in files if f.split("/")[0] in ("build", "site")] == []
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "build/" in ignored and "site/" in ignored
    assert {p.relative_to(ROOT).parts[0] for p in (BUILD, PDF_CACHE, TREE)} == {"build"}
