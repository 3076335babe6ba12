"""OpenAPI schema of the API: every operation documents its error answers, written once here for all views.

drf-spectacular documents the 200 of each operation from its serializer; the errors a client must handle come from
the pagination, filters, authentication and throttles every view shares: 400 (a bad filter or page), 401 (a token
refused, and no token where one is needed), 404 (an unknown or out-of-scope identifier, a page past the last) and
429 (with Retry-After). Their bodies are JSON: `{"detail": "…"}`, or one list of messages per parameter for a 400.
"""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny

ERROR = {
    "type": "object",
    "description": "Une erreur, expliquée en français.",
    "properties": {"detail": {"type": "string", "description": "Ce qui ne va pas, en français."}},
    "required": ["detail"],
}
INVALID_REQUEST = {
    "type": "object",
    "description": "Une requête refusée : pour chaque paramètre en erreur, ses messages en français (ou `detail`).",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"page_size": ["Saisissez un nombre entier supérieur ou égal à 1."]},
}
RETRY_AFTER = {"schema": {"type": "integer"}, "description": "Secondes à attendre avant de réessayer."}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is not None:
            for code, response in self.error_responses().items():
                operation["responses"].setdefault(code, response)
        return operation

    def get_description(self):
        # Docstrings are notes for developers, in English; French descriptions come from @extend_schema.
        return ""

    def component(self, name, schema):
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name)
        self.registry.register_on_missing(component)
        return component.ref

    def error_responses(self):
        error = {"application/json": {"schema": self.component("Error", ERROR)}}
        public = any(isinstance(permission, AllowAny) for permission in self.view.get_permissions())
        one_object = "{" in self.path  # the path names an object by its identifier
        return {
            "400": {
                "description": "Requête incorrecte : un filtre, un numéro ou une taille de page invalide.",
                "content": {"application/json": {"schema": self.component("InvalidRequest", INVALID_REQUEST)}},
            },
            "401": {
                "description": (
                    "Jeton invalide, expiré ou révoqué (sans jeton, cette adresse répond aussi)."
                    if public
                    else "Authentification requise : jeton absent, invalide, expiré ou révoqué (ou session expirée)."
                ),
                "content": error,
            },
            "404": {
                "description": (
                    "Ressource introuvable ou hors de votre périmètre."
                    if one_object
                    else "Page inexistante : le numéro dépasse la dernière page de la liste."
                ),
                "content": error,
            },
            "429": {
                "description": "Trop de requêtes : la limite de l’API est atteinte ; l’en-tête Retry-After dit quand réessayer.",
                "headers": {"Retry-After": RETRY_AFTER},
                "content": error,
            },
        }


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "mobilisation.api.authentication.PersonalTokenAuthentication"
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Jeton personnel (page « API » de votre compte), dans l’en-tête « Authorization: Token <jeton> ».",
        }
