from .organisations import Organisation, OrganisationKind, OrganisationQuerySet
from .services import Service, ServiceQuerySet

__all__ = ["Organisation", "OrganisationKind", "OrganisationQuerySet", "Service", "ServiceQuerySet"]
