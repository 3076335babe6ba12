"""Import of a register: the application's import beside django-import-export, on the same file, same validation.

python -m bench.imports OUTPUT.json [--rows 100000]

The file: `--rows` fictitious people (the fiction phone range, a contact person for one in two) spread over the
communes of the largest EPCI, imported by a CIAS agent of that EPCI. Each import runs in a transaction rolled back
at the end, so that both meet the same register.

- The application: services.imports.check (read, every rule, the duplicates against the register) then
  services.imports.write (a second check, as the writing does, then the rows in one transaction), timed together.
- django-import-export (4.x, its documented ModelResource): the same columns and the same rules (the commune in the
  importer's scope, the closed lists, the dates, the phones through the model field, the consent of a reason, the
  contact person, the duplicate lookup by name, first name, birth date and commune through import_id_fields), in
  one pass `import_data(dry_run=False)`, which validates and saves row by row: its preview would be a second pass,
  not counted, which favours it.
"""

import argparse
import datetime
import io
import json
import os
import sys
import time


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def importer():
    """A CIAS agent of the EPCI with the most communes, and that EPCI's INSEE codes."""
    from django.db.models import Count

    from mobilisation.accounts.enums import Role
    from mobilisation.accounts.models import Membership, User
    from mobilisation.territories.models import Epci

    epci = Epci.objects.annotate(n=Count("communes")).order_by("-n", "siren").first()
    user, created = User.objects.get_or_create(
        email=f"import.cias.{epci.siren}@bench.mobilisation-cls.fr", defaults={"first_name": "Import"}
    )
    if created:
        Membership.objects.create(user=user, role=Role.SOCIAL_SERVICES, epci=epci)
    return user, list(epci.communes.order_by("insee_code").values_list("insee_code", flat=True))


# The ranges the ARCEP reserves for fiction that phonenumbers holds valid: 50,000 numbers, so that a file of 100,000
# rows repeats each at most twice, far apart (the application's parsing cache keeps 20,000: it gains nothing here).
FICTION_RANGES = ("01 99 00", "02 61 91", "03 53 01", "04 65 71", "05 36 49")


def fiction_phone(n):
    n %= 50_000
    return f"{FICTION_RANGES[n // 10_000]} {n % 100:02d} {(n // 100) % 100:02d}"


def make_file(rows, communes):
    """A CSV as a CCAS would export it from its spreadsheet: French headers, dd/mm/yyyy dates, national numbers."""
    from bench.dataset.people import FIRST_NAMES, LAST_NAMES
    from mobilisation.followup import importing

    header = [column.label for column in importing.COLUMNS if not column.key.startswith(("contact_2", "contact_3", "reason"))]
    lines = [";".join(header)]
    today = datetime.date.today()
    people = len(FIRST_NAMES) * len(LAST_NAMES)
    for n in range(rows):
        # Every (first name, last name, birth date) differs: a person is never twice in the file.
        birth = datetime.date(1930, 1, 1) + datetime.timedelta(days=n // people)
        phone = fiction_phone(n)
        contact = n % 2 == 0
        values = [
            communes[n % len(communes)],
            LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)],
            FIRST_NAMES[n % len(FIRST_NAMES)],
            birth.strftime("%d/%m/%Y"),
            "65 ans et plus" if n % 5 else "adulte handicapé",
            f"{n % 90 + 1} rue de l’Église",
            "",
            phone,
            "",
            "oui" if n % 3 == 0 else "non",
            "",
            "",
            "Département" if n % 4 == 0 else "la personne",
            "",
            (today - datetime.timedelta(days=n % 300 + 1)).strftime("%d/%m/%Y"),
            "Marie Exemple" if contact else "",
            "fille" if contact else "",
            fiction_phone(n * 7 + 3) if contact else "",
        ]
        lines.append(";".join(values))
    return ("\n".join(lines) + "\n").encode("utf-8")


def ours(data, user):
    from django.db import transaction

    from mobilisation.followup.enums import ImportState
    from mobilisation.followup.models import Person, RegisterImport
    from mobilisation.followup.services import imports

    with transaction.atomic():
        before = Person.objects.count()
        item = RegisterImport.objects.create(
            created_by=user, file_name="bench.csv", file_format="csv", file_size=len(data), content=RegisterImport.encode(data)
        )
        started = time.perf_counter()
        imports.check(str(item.public_id))
        checked = time.perf_counter()
        item.refresh_from_db()
        if item.state != ImportState.READY:
            sys.exit(f"Le fichier du banc d’essai n’est pas propre : {item.report_data().get('errors', [])[:3]}")
        RegisterImport.objects.filter(pk=item.pk).update(state=ImportState.IMPORTING)
        imports.write(str(item.public_id))
        finished = time.perf_counter()
        written = Person.objects.count() - before
        transaction.set_rollback(True)
    return {
        "check_s": round(checked - started, 2),
        "write_s": round(finished - checked, 2),
        "seconds": round(finished - started, 2),
        "written": written,
    }


def import_export_resource(user):
    """django-import-export's ModelResource for the register, with the application's rules."""
    from django.core.exceptions import ValidationError
    from import_export import fields, resources, widgets

    from mobilisation.core.text import search_key
    from mobilisation.followup import importing
    from mobilisation.followup.models import ContactPerson, Person, register_communes

    allowed = set(register_communes(user).values_list("insee_code", flat=True))
    labels = importing.LABELS
    date = widgets.DateWidget(format="%d/%m/%Y")

    class PersonResource(resources.ModelResource):
        commune = fields.Field(attribute="commune_id", column_name=labels["commune"])
        last_name = fields.Field(attribute="last_name", column_name=labels["last_name"])
        first_name = fields.Field(attribute="first_name", column_name=labels["first_name"])
        birth_date = fields.Field(attribute="birth_date", column_name=labels["birth_date"], widget=date)
        category = fields.Field(attribute="category", column_name=labels["category"])
        address = fields.Field(attribute="address", column_name=labels["address"])
        phone = fields.Field(attribute="phone", column_name=labels["phone"])
        lives_alone = fields.Field(attribute="lives_alone", column_name=labels["lives_alone"])
        provenance = fields.Field(attribute="provenance", column_name=labels["provenance"])
        requester_name = fields.Field(attribute="requester_name", column_name=labels["requester_name"])
        request_date = fields.Field(attribute="request_date", column_name=labels["request_date"], widget=date)

        class Meta:
            model = Person
            fields = ("commune", "last_name", "first_name", "birth_date", "category", "address", "phone", "lives_alone")
            fields += ("provenance", "requester_name", "request_date")
            import_id_fields = ("commune", "last_name", "first_name", "birth_date")
            clean_model_instances = True
            skip_unchanged = False

        def before_import_row(self, row, **kwargs):
            if row[labels["commune"]] not in allowed:
                raise ValidationError("commune hors de votre registre")
            for key, table in (("category", importing.CATEGORIES), ("provenance", importing.PROVENANCES)):
                value = table.get(importing._key(row[labels[key]]))
                if value is None:
                    raise ValidationError(f"{labels[key]} : valeur inattendue")
                row[labels[key]] = value
            row[labels["lives_alone"]] = importing._key(row[labels["lives_alone"]]) in importing.YES
            if row.get(labels["contact_1_name"]) and not (row.get(labels["contact_1_link"]) and row.get(labels["contact_1_phone"])):
                raise ValidationError("personne à prévenir incomplète")

        def before_save_instance(self, instance, row, **kwargs):
            instance.search_name = search_key(f"{instance.last_name} {instance.first_name}")
            instance.acknowledgement_due = Person.acknowledgement_due_for(instance.request_date)
            instance.created_by = user

        def after_save_instance(self, instance, row, **kwargs):
            if row.get(labels["contact_1_name"]):
                contact = ContactPerson(
                    person=instance,
                    name=row[labels["contact_1_name"]],
                    link=row[labels["contact_1_link"]],
                    phone=row[labels["contact_1_phone"]],
                )
                contact.full_clean(exclude=["person"])
                contact.save()

    return PersonResource()


def theirs(data, user):
    import tablib
    from django.db import transaction

    from mobilisation.followup.models import Person

    dataset = tablib.Dataset().load(io.StringIO(data.decode("utf-8")), format="csv", delimiter=";")
    resource = import_export_resource(user)
    with transaction.atomic():
        before = Person.objects.count()
        started = time.perf_counter()
        result = resource.import_data(dataset, dry_run=False, raise_errors=False, use_transactions=False)
        seconds = time.perf_counter() - started
        written = Person.objects.count() - before
        transaction.set_rollback(True)
    if result.has_errors() or result.has_validation_errors():
        first = (result.invalid_rows[:1] or result.row_errors()[:1] or [None])[0]
        sys.exit(f"django-import-export refuse le fichier du banc d’essai : {first}")
    return {"seconds": round(seconds, 2), "written": written}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Import d’un registre : l’application et django-import-export, même fichier.")
    parser.add_argument("output")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    _setup()
    user, communes = importer()
    data = make_file(args.rows, communes)
    mine = ours(data, user)
    other = theirs(data, user)
    result = {
        "rows": args.rows,
        "megabytes": round(len(data) / 1024 / 1024, 1),
        "ours": mine,
        "import_export": other,
        "ours_rows_per_second": round(args.rows / mine["seconds"]),
        "import_export_rows_per_second": round(args.rows / other["seconds"]),
    }
    result["ratio"] = round(result["ours_rows_per_second"] / result["import_export_rows_per_second"], 1)
    with open(args.output, "w", encoding="utf-8") as file:
        json.dump(result, file)
    print(
        f"Import de {args.rows} lignes : l’application {mine['seconds']} s (vérification {mine['check_s']} s, écriture "
        f"{mine['write_s']} s, {result['ours_rows_per_second']} lignes/s) ; django-import-export {other['seconds']} s "
        f"({result['import_export_rows_per_second']} lignes/s) : × {result['ratio']}."
    )
    if mine["written"] != args.rows or other["written"] != args.rows:
        sys.exit(f"Lignes écrites : {mine['written']} (application), {other['written']} (django-import-export), pour {args.rows}.")


if __name__ == "__main__":
    main()
