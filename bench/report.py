"""The benchmark's tables in Markdown (French), and the history that makes a regression visible."""

import csv
import subprocess
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
HISTORY_CSV = RESULTS / "history.csv"
HISTORY_FIELDS = ["date", "commit", "database", "scale", "key", "queries", "rps", "p50_ms", "p95_ms", "p99_ms"]
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
REGRESSION = 0.15  # a throughput drop or a cost ÷ floor rise beyond this share is flagged
DRIFT = 0.15  # a floor that moved more than this between the start and the end of a run is flagged
FLOOR_END_LABEL = "Plancher : /healthz, à la fin"


def number(value, digits=0):
    text = f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")
    return text


def scale_label(scale):
    return f"{scale:g}".replace(".", ",")


def progress_line(row):
    return (
        f"  {row['label']:<42} {number(row['rps'], 1):>9} req/s  p50 {number(row['p50_ms'], 1):>7} ms  "
        f"p95 {number(row['p95_ms'], 1):>7} ms  p99 {number(row['p99_ms'], 1):>7} ms  {row['queries']:>3} requêtes SQL"
    )


def commit():
    def git(*args):
        command = ["git", *args]
        return subprocess.run(command, capture_output=True, text=True, check=False, cwd=RESULTS.parent.parent).stdout.strip()  # noqa: S603, S607

    sha = git("rev-parse", "--short", "HEAD") or "inconnu"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{sha}+modifs" if dirty else sha


def floor_of(config):
    return next(row for row in config["endpoints"] if row["key"] == "floor")


def floor_rps(config):
    """The floor's throughput for the ratios: the mean of its measures at the start and at the end of the run."""
    start = floor_of(config)["rps"]
    end = (config.get("floor_end") or {}).get("rps")
    return (start + end) / 2 if end else start


def floor_drift(config):
    """How much the floor moved from the start to the end of the run (a share), or None when measured once."""
    end = (config.get("floor_end") or {}).get("rps")
    start = floor_of(config)["rps"]
    return (end - start) / start if end and start else None


def floor_line(config):
    drift = floor_drift(config)
    if drift is None:
        return ""
    start, end = floor_of(config), config["floor_end"]
    flag = (
        f" ⚠ le plancher a bougé de plus de {round(DRIFT * 100)} % pendant le passage : la machine a changé de charge, les rapports "
        "de ce tableau sont moins sûrs."
        if abs(drift) > DRIFT
        else ""
    )
    return (
        f"Plancher au début {number(start['rps'], 1)} req/s (p95 {number(start['p95_ms'], 1)} ms), à la fin {number(end['rps'], 1)} req/s "
        f"(p95 {number(end['p95_ms'], 1)} ms) : écart {drift:+.0%} ; les rapports utilisent leur moyenne, "
        f"{number(floor_rps(config), 1)} req/s.{flag}"
    )


def cost_ratio(floor_rps, rps):
    """How many times an endpoint costs more than the floor (the floor's throughput over its own)."""
    return floor_rps / rps if rps else float("inf")


def history_file(date, sha):
    """The Markdown copy of a run in results/history/."""
    return RESULTS / "history" / f"{date.replace(' ', 'T').replace(':', '')}-{sha}.md"


def config_table(config):
    floor = {"rps": floor_rps(config)}
    lines = [
        "| Point de mesure | Requêtes SQL | Taille (Kio) | req/s | p50 (ms) | p95 (ms) | p99 (ms) | Coût ÷ plancher |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in config["endpoints"]:
        ratio = cost_ratio(floor["rps"], row["rps"])
        errors = row.get("errors") or 0
        flag = f" ⚠ {errors} en erreur ou hors délai sur {number(row.get('requests', 0))}" if errors else ""
        lines.append(
            f"| {row['label']}{flag} | {row['queries']} | {number(row['kbytes'], 1)} | {number(row['rps'], 1)} | {number(row['p50_ms'], 1)} "
            f"| {number(row['p95_ms'], 1)} | {number(row['p99_ms'], 1)} | {number(ratio, 1)} |"
        )
    return "\n".join(lines)


def growth_table(configs):
    """For each database, how each endpoint's cost grows from the smallest to the largest scale."""
    lines = []
    for vendor in DATABASES:
        mine = sorted((c for c in configs if c["database"] == vendor), key=lambda c: c["scale"])
        if len(mine) < 2:
            continue
        small, large = mine[0], mine[-1]
        factor = large["scale"] / small["scale"]
        lines += [
            f"\n**{DATABASES[vendor]}**, de l’échelle {scale_label(small['scale'])} à {scale_label(large['scale'])} "
            f"(données × {number(factor, 0)}) :\n",
            "| Point de mesure | Coût (1/req/s) × | p95 × | Requêtes SQL |",
            "| --- | ---: | ---: | --- |",
        ]
        large_rows = {row["key"]: row for row in large["endpoints"]}
        for row in small["endpoints"]:
            other = large_rows.get(row["key"])
            if other is None or not other["rps"]:
                continue
            cost = row["rps"] / other["rps"]
            p95 = other["p95_ms"] / row["p95_ms"] if row["p95_ms"] else 0
            queries = f"{row['queries']} → {other['queries']}"
            lines.append(f"| {row['label']} | {number(cost, 2)} | {number(p95, 2)} | {queries} |")
    return "\n".join(lines)


def load_history():
    """The rows of the most recent earlier run, keyed by (database, scale, endpoint)."""
    if not HISTORY_CSV.exists():
        return {}
    with HISTORY_CSV.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    if not rows:
        return {}
    last = rows[-1]["date"]
    return {(r["database"], float(r["scale"]), r["key"]): r for r in rows if r["date"] == last}


def previous_processor(history):
    """The processor line of the run the history rows come from (its Markdown copy in results/history/)."""
    row = next(iter(history.values()))
    path = history_file(row["date"], row["commit"])
    if not path.exists():
        return None
    prefix = "- Processeur : "
    return next((line[len(prefix) :] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith(prefix)), None)


def comparison_table(configs, history, machine=None):
    """Each endpoint against the previous run: throughput, and the cost ÷ floor, which holds across machines.

    A throughput drop is only flagged on the same processor: on another machine it measures the machine. A cost ÷
    floor rise or more SQL queries are flagged whatever the machine.
    """
    if not history:
        return "Premier passage enregistré : pas de comparaison."
    any_row = next(iter(history.values()))
    before_processor = previous_processor(history)
    processor = (machine or {}).get("Processeur")
    same_machine = before_processor is None or processor is None or before_processor == processor
    lines = [
        f"Passage précédent : {any_row['date']} (commit {any_row['commit']}). ⚠ : coût ÷ plancher en hausse de plus de "
        f"{round(REGRESSION * 100)} %, requêtes SQL en hausse"
        + (f" ou débit en baisse de plus de {round(REGRESSION * 100)} %." if same_machine else "."),
    ]
    if not same_machine:
        lines.append(
            f"\nMachine différente (avant : {before_processor} ; maintenant : {processor}) : l’écart de débit mesure surtout "
            "la machine ; c’est le coût ÷ plancher qui compare le code."
        )
    lines += [
        "",
        "| Base | Échelle | Point de mesure | req/s avant | req/s | Écart | ÷ plancher avant | ÷ plancher | Requêtes SQL |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for config in configs:
        floor = {"rps": floor_rps(config)}
        floor_before = history.get((config["database"], float(config["scale"]), "floor"))
        for row in config["endpoints"]:
            before = history.get((config["database"], float(config["scale"]), row["key"]))
            if before is None:
                continue
            old_rps, old_queries = float(before["rps"]), int(before["queries"])
            change = (row["rps"] - old_rps) / old_rps if old_rps else 0
            ratio = cost_ratio(floor["rps"], row["rps"])
            old_ratio = cost_ratio(float(floor_before["rps"]), old_rps) if floor_before and old_rps else None
            worse = (
                row["queries"] > old_queries
                or (old_ratio is not None and ratio > old_ratio * (1 + REGRESSION))
                or (same_machine and change < -REGRESSION)
            )
            lines.append(
                f"| {DATABASES[config['database']]} | {scale_label(config['scale'])} | {row['label']} | {number(old_rps, 1)} "
                f"| {number(row['rps'], 1)} | {change:+.0%}{' ⚠' if worse else ''} "
                f"| {'–' if old_ratio is None else number(old_ratio, 1)} | {number(ratio, 1)} | {old_queries} → {row['queries']} |"
            )
    return "\n".join(lines)


def render(result, history=None):
    result.setdefault("commit", commit())
    load = result["load"]
    parts = [
        "# Banc d’essai de Mobilisation CLS",
        "",
        f"Passage {'complet' if result.get('complete', True) else 'ciblé'} du {result['date']}, commit {result['commit']}"
        + (f", {number(result['minutes'], 1)} min" if result.get("minutes") is not None else "")
        + f". Serveur : gunicorn ({load['workers']} processus, réglages de "
        "production : DEBUG désactivé, fichiers statiques collectés servis par WhiteNoise). Charge : wrk, "
        f"{load['connections']} connexions, {load['duration']} s par point de mesure après {load['warmup']} s de chauffe, sessions "
        "ouvertes par la connexion de Django ou jeton personnel pour l’API. Le plancher est `/healthz` sur le même serveur "
        "(une requête SQL), mesuré au début et à la fin : « coût ÷ plancher » dit combien de fois une page coûte plus que "
        "lui. Requêtes SQL : comptées pour une requête, dans les mêmes réglages.",
        "",
        "## Machine",
        "",
        *[f"- {name} : {value}" for name, value in result["machine"].items()],
        "",
        "## Jeu de données « Bretagne en crise »",
        "",
        "Gardé d’un passage à l’autre (bench/datasets.py) : sa clé est l’empreinte du générateur, des migrations, des données "
        "de référence, de la graine et de l’échelle. « Ce passage » dit s’il a été écrit ou réutilisé, et ce que cela a pris "
        "(écriture et copie, ou copie seule).",
        "",
        "| Base | Échelle | Clé | Lignes | Écrit le | Écriture (s) | Lignes/s | Ce passage |",
        "| --- | ---: | --- | ---: | --- | ---: | ---: | --- |",
        *[
            f"| {DATABASES[c['database']]} | {scale_label(c['scale'])} | `{d.get('key', '–')}` | {number(d['rows'])} | {d.get('written_at', '–')} "
            f"| {number(d['seconds'], 1)} | {number(d['rows'] / d['seconds'] if d['seconds'] else 0)} "
            f"| {('réutilisé, copié en ' if d.get('reused') else 'écrit et copié en ') + number(d.get('prepare_seconds', 0), 1) + ' s'} |"
            for c in result["configs"]
            for d in [c["dataset"]]
        ],
        "",
        "## Résultats",
    ]
    for config in result["configs"]:
        parts += ["", f"### {DATABASES[config['database']]}, échelle {scale_label(config['scale'])}", "", config_table(config)]
        if line := floor_line(config):
            parts += ["", line]
    calls = [c for c in result["configs"] if c.get("calls")]
    if calls:
        parts += [
            "",
            "## Appels concurrents : prendre l’appel suivant et enregistrer son résultat",
            "",
            "Des processus appelants (agents du plus grand registre du jeu de données) prennent chacun l’appel suivant et "
            "enregistrent son résultat par les services de l’application, tant que des appels attendent ou pendant la durée "
            "d’un point de mesure ; puis la base est comparée à ce que chacun a enregistré.",
            "",
            "| Base | Échelle | Appelants | Appels en attente | Appels enregistrés | Durée (s) | Appels/s | p50 (ms) | p95 (ms) | Perdus | Doublés |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *[
                f"| {DATABASES[c['database']]} | {scale_label(c['scale'])} | {k['callers']} | {number(k['waiting'])} | {number(k['calls'])} "
                f"| {number(k['seconds'], 1)} | {number(k['calls_per_second'], 1)} | {number(k['p50_ms'], 1)} | {number(k['p95_ms'], 1)} "
                f"| {k['lost']} | {k['doubled']} |"
                for c in calls
                for k in [c["calls"]]
            ],
        ]
    hotline = [c for c in result["configs"] if c.get("hotline_calls")]
    if hotline:
        parts += [
            "",
            "## Écoutants concurrents : enregistrer des appels au numéro vert",
            "",
            "Des processus écoutants de la ligne la plus chargée enregistrent chacun des appels par le service de l’application "
            "(un rappel promis sur cinq, une demande d’aide transmise sur dix) pendant la durée d’un point de mesure ; puis la "
            "base est comparée à ce que chacun a enregistré.",
            "",
            "| Base | Échelle | Écoutants | Appels enregistrés | Durée (s) | Appels/s | p50 (ms) | p95 (ms) | Perdus | Doublés | Échecs |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *[
                f"| {DATABASES[c['database']]} | {scale_label(c['scale'])} | {k['operators']} | {number(k['calls'])} "
                f"| {number(k['seconds'], 1)} | {number(k['calls_per_second'], 1)} | {number(k['p50_ms'], 1)} | {number(k['p95_ms'], 1)} "
                f"| {k['lost']} | {k['doubled']} | {k['failures']} |"
                for c in hotline
                for k in [c["hotline_calls"]]
            ],
        ]
    imports = [c for c in result["configs"] if c.get("imports")]
    if imports:
        parts += [
            "",
            "## Import d’un registre : l’application et django-import-export, même fichier, mêmes règles",
            "",
            "Un fichier CSV de personnes fictives (communes du plus grand EPCI, une personne à prévenir sur deux) importé par "
            "un agent du CIAS : l’application le vérifie puis l’écrit (une seconde vérification comprise) ; django-import-export "
            "le valide et l’écrit ligne à ligne en un seul passage (son aperçu, un second passage, n’est pas compté). Cible : "
            "au moins 10 fois ses lignes par seconde (bench/imports.py).",
            "",
            "| Base | Lignes | Fichier (Mo) | Vérification (s) | Écriture (s) | Application (lignes/s) | django-import-export (s) | django-import-export (lignes/s) | Rapport |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *[
                f"| {DATABASES[c['database']]} | {number(k['rows'])} | {number(k['megabytes'], 1)} | {number(k['ours']['check_s'], 1)} "
                f"| {number(k['ours']['write_s'], 1)} | {number(k['ours_rows_per_second'])} | {number(k['import_export']['seconds'], 1)} "
                f"| {number(k['import_export_rows_per_second'])} | × {number(k['ratio'], 1)} |"
                for c in imports
                for k in [c["imports"]]
            ],
        ]
    growth = growth_table(result["configs"])
    if growth:
        parts += ["", "## Croissance du coût avec les données", growth]
    if history is not None:
        parts += ["", "## Par rapport au passage précédent", "", comparison_table(result["configs"], history, result["machine"])]
    return "\n".join(parts) + "\n"


def save(result, text):
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "history").mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(text, encoding="utf-8")
    history_file(result["date"], result["commit"]).write_text(text, encoding="utf-8")
    new_file = not HISTORY_CSV.exists()
    with HISTORY_CSV.open("a", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=HISTORY_FIELDS)
        if new_file:
            writer.writeheader()
        for config in result["configs"]:
            for row in config["endpoints"]:
                writer.writerow(
                    {
                        "date": result["date"],
                        "commit": result["commit"],
                        "database": config["database"],
                        "scale": config["scale"],
                        **{field: row[field] for field in ("key", "queries", "rps", "p50_ms", "p95_ms", "p99_ms")},
                    }
                )
