"""Pagination of the API lists: 50 rows by default, up to 500 with ?page_size=."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
