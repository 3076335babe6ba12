"""The site's URLs plus one view that takes a bigger body (`@accepts_body_up_to`), as a future file import will."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from mobilisation.core.middleware import accepts_body_up_to


@login_not_required
@csrf_exempt
@require_POST
@accepts_body_up_to(5 * 1024 * 1024)
def import_file(request):
    upload = request.FILES["fichier"]
    return JsonResponse({"size": upload.size})


urlpatterns = [path("essai-import/", import_file), path("", include("config.urls"))]
handler404 = "mobilisation.core.views.page_not_found"
