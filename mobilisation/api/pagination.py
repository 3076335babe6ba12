"""Pagination of the API lists: 50 rows by default, up to 500 with ?page_size=; a bad number is a 400, not ignored."""

from django.core.paginator import InvalidPage
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from .exceptions import PageNotFound

NOT_A_POSITIVE_INTEGER = "Saisissez un nombre entier supérieur ou égal à 1."


def positive_integer(request, name):
    """The query parameter `name` as an integer ≥ 1, None when absent or empty; anything else is a French 400."""
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise ValidationError({name: [NOT_A_POSITIVE_INTEGER]})
    return int(raw)


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    page_query_description = "Numéro de la page, à partir de 1 (« last » : la dernière)."
    page_size_query_description = "Nombre de lignes par page : 50 par défaut, 500 au plus (une valeur plus grande donne 500)."

    def get_page_size(self, request):
        size = positive_integer(request, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param) in self.last_page_strings:
            return paginator.num_pages
        return positive_integer(request, self.page_query_param) or 1

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise PageNotFound(f"La page {number} n’existe pas : cette liste s’arrête à la page {paginator.num_pages}.") from None
        return list(self.page)
