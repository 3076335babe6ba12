"""French pages for the errors a web server answers itself, before Django sees the request.

A request line over the server's limit, malformed syntax, oversized headers: runserver (Python's http.server) and
gunicorn answer these on their own, with raw English pages. `make run` serves through the project's runserver
command (core/management/commands/runserver.py) and gunicorn through config/gunicorn.conf.py; both write the pages
below. They are plain HTML (no template, no database, no static file): the server has nothing else at hand.
The reverse proxy may serve the same pages (docs/deploiement.md): `python -m mobilisation.core.server_errors 413`.
"""

import html
import sys

PAGES = {
    400: ("Requête incorrecte", "La demande envoyée n’a pas pu être comprise par le serveur."),
    403: ("Accès refusé", "Le serveur refuse cette demande."),
    408: ("Délai dépassé", "La demande n’est pas arrivée entière à temps."),
    413: ("Données trop volumineuses", "Les données envoyées dépassent la taille que le serveur accepte."),
    414: ("Adresse trop longue", "L’adresse demandée dépasse la longueur que le serveur accepte."),
    417: ("Attente impossible à satisfaire", "Le serveur ne peut pas satisfaire l’en-tête « Expect » de la demande."),
    431: (
        "En-têtes trop volumineux",
        "La demande porte des en-têtes trop longs ou trop nombreux, souvent des cookies : effacez ceux du site et réessayez.",
    ),
    500: ("Erreur inattendue", "Le serveur a rencontré un problème. Réessayez dans quelques instants."),
    501: ("Fonction non prise en charge", "Le serveur ne sait pas traiter cette demande."),
    505: ("Version de HTTP non prise en charge", "Le serveur accepte HTTP/1.0 et HTTP/1.1."),
}
DEFAULT = ("Requête refusée", "Le serveur n’a pas pu traiter cette demande.")

TEMPLATE = """<!DOCTYPE html>
<html lang="fr">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{title} – Mobilisation CLS – ARS Bretagne</title>
  </head>
  <body>
    <main>
      <h1>{title}</h1>
      <p>Erreur {code}</p>
      <p>{explanation}</p>
      <p>Vérifiez l’adresse, revenez à la page précédente ou repartez de la <a href="/">page d’accueil</a>.
      Si le problème persiste, contactez la coordination régionale des CLS (ars-bretagne-cls@ars.sante.fr).</p>
    </main>
  </body>
</html>
"""


def page(code):
    """The French HTML page for an HTTP error `code` (str)."""
    title, explanation = PAGES.get(code, DEFAULT)
    return TEMPLATE.format(title=html.escape(title), code=code, explanation=html.escape(explanation))


if __name__ == "__main__":
    sys.stdout.write(page(int(sys.argv[1])))
