"""Users of every role and their memberships, plus the named personas the benchmarks log in as."""

from django.contrib.auth.hashers import make_password

from mobilisation.accounts.enums import Role
from mobilisation.accounts.models import Membership, User
from mobilisation.territories.models import Department

from .context import CRISIS_START
from .people import email_part, full_name

DOMAIN = "bench.mobilisation-cls.fr"
PASSWORD = "Bench-CLS-crise-2020!"  # noqa: S105 (invented accounts of the benchmark database)

# The accounts the benchmarks and query budgets use; created by the first run, reused by the next ones.
PERSONAS = {
    "coordinator": f"coordination@{DOMAIN}",
    "elected": f"elu@{DOMAIN}",
    "delegation": f"delegation@{DOMAIN}",
    "region": f"region@{DOMAIN}",
    "resource_pole": f"pole@{DOMAIN}",
    "social_services": f"ccas@{DOMAIN}",
    "manager": f"ccas.responsable@{DOMAIN}",
    "partner": f"partenaire@{DOMAIN}",
    "volunteer": f"benevole@{DOMAIN}",
    "operator": f"ecoutant@{DOMAIN}",  # added by the hotline step, on the line of the personas' CLS
}

PER_CLS = {Role.CLS_COORDINATOR: 1, Role.ELECTED_OFFICIAL: 3}
PER_DEPARTMENT = {Role.ARS_DELEGATION: 5}
PER_REGION = {Role.ARS_REGION: 8, Role.RESOURCE_POLE: 3}
CCAS_FROM_POPULATION = 2000  # communes of this size or more have a CCAS agent on the platform


class Accounts:
    """Builds users and their memberships side by side, then writes both in bulk."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.password = make_password(PASSWORD)
        self.users, self.memberships = [], []
        self.volunteers = []  # (user, organisation pk): mutualaid gives each its volunteer record
        self.joined = ctx.moment(CRISIS_START)

    def add(self, role, email=None, **scope):
        first, last = full_name(self.ctx)
        number = len(self.users) + 1
        email = email or f"{email_part(first)}.{email_part(last)}.{self.ctx.tag}.{number}@{DOMAIN}"
        user = User(email=email, first_name=first, last_name=last, password=self.password, date_joined=self.joined)
        user.search_name = user.folded_name()  # written in bulk: save() is not called
        self.users.append(user)
        self.memberships.append((user, Membership(role=role, **scope)))
        if role == Role.VOLUNTEER:
            self.volunteers.append((user, scope["organisation_id"]))
        return user

    def save(self):
        self.ctx.insert(self.users)
        for user, membership in self.memberships:
            membership.user_id = user.pk
        self.ctx.insert([m for _, m in self.memberships])


def build(ctx):
    contracts = ctx.data["contracts"]
    organisations = ctx.data["organisations"]
    accounts = Accounts(ctx)
    team = {}  # cls pk -> {"coordinators": [...], "elected": [...]}
    for cls in contracts:
        members = team.setdefault(cls.pk, {"coordinators": [], "elected": []})
        coordinators = PER_CLS[Role.CLS_COORDINATOR] + (1 if ctx.chance(0.3) else 0)
        members["coordinators"] = [accounts.add(Role.CLS_COORDINATOR, cls_id=cls.pk) for _ in range(coordinators)]
        members["elected"] = [accounts.add(Role.ELECTED_OFFICIAL, cls_id=cls.pk) for _ in range(PER_CLS[Role.ELECTED_OFFICIAL])]
        for code, _, population, _ in ctx.data["communes"].get(cls.pk, []):
            if population >= CCAS_FROM_POPULATION:
                accounts.add(Role.SOCIAL_SERVICES, commune_id=code)
        for organisation in organisations.get(cls.pk, []):
            for _ in range(ctx.rng.randint(1, 3)):
                accounts.add(Role.PARTNER_MEMBER, organisation_id=organisation.pk)
            if organisation.kind == "association":
                for _ in range(ctx.rng.randint(5, 15)):
                    accounts.add(Role.VOLUNTEER, organisation_id=organisation.pk)
    delegations = {}
    for code in Department.objects.order_by("code").values_list("code", flat=True):
        delegations[code] = [
            accounts.add(Role.ARS_DELEGATION, department_id=code) for _ in range(ctx.count(PER_DEPARTMENT[Role.ARS_DELEGATION]))
        ]
    for role, base in PER_REGION.items():
        for _ in range(ctx.count(base)):
            accounts.add(role)
    add_personas(ctx, accounts, contracts, organisations)
    accounts.save()
    ctx.data["team"] = team
    ctx.data["volunteer_accounts"] = accounts.volunteers
    ctx.data["delegations"] = delegations


def add_personas(ctx, accounts, contracts, organisations):
    """The named accounts, on the first CLS of the first run: its plan is the one the benchmarks open."""
    if User.objects.filter(email__in=PERSONAS.values()).exists() or not contracts:
        return
    cls = contracts[0]
    ctx.data["persona_cls"] = cls
    communes = ctx.data["communes"].get(cls.pk, [])
    largest = max(communes, key=lambda c: c[2])[0]
    association = next(o for o in organisations[cls.pk] if o.kind == "association")
    accounts.add(Role.CLS_COORDINATOR, email=PERSONAS["coordinator"], cls_id=cls.pk)
    accounts.add(Role.ELECTED_OFFICIAL, email=PERSONAS["elected"], cls_id=cls.pk)
    accounts.add(Role.ARS_DELEGATION, email=PERSONAS["delegation"], department_id=cls.department_id)
    accounts.add(Role.ARS_REGION, email=PERSONAS["region"])
    accounts.add(Role.RESOURCE_POLE, email=PERSONAS["resource_pole"])
    accounts.add(Role.SOCIAL_SERVICES, email=PERSONAS["social_services"], commune_id=largest)
    accounts.add(Role.SOCIAL_SERVICES_MANAGER, email=PERSONAS["manager"], commune_id=largest)
    accounts.add(Role.PARTNER_MEMBER, email=PERSONAS["partner"], organisation_id=association.pk)
    accounts.add(Role.VOLUNTEER, email=PERSONAS["volunteer"], organisation_id=association.pk)
