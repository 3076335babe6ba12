"""API representations: official codes for territories, UUIDs for CLS."""

from rest_framework import serializers

from mobilisation.catalogue.models import ActionModel, Mobilisation, Resource
from mobilisation.contracts.models import Cls
from mobilisation.plans.models import FundingRequest, Indicator, Plan, PlannedAction
from mobilisation.territories.models import ArsOffice, Commune, Department, Epci


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name", "region", "chef_lieu_code", "chef_lieu_name", "population_municipale", "population_totale"]


class ArsOfficeSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True, help_text="« siege » pour le siège, sinon le code du département de la délégation.")
    department = serializers.CharField(source="department_id", read_only=True, allow_null=True)

    class Meta:
        model = ArsOffice
        fields = ["code", "kind", "name", "department", "contact_label", "email"]


class EpciSerializer(serializers.ModelSerializer):
    seat_in_brittany = serializers.BooleanField(read_only=True)

    class Meta:
        model = Epci
        fields = [
            "siren",
            "name",
            "kind",
            "seat_department_code",
            "seat_in_brittany",
            "department_codes",
            "communes_count",
            "communes_count_brittany",
            "population_municipale",
            "population_municipale_brittany",
        ]


class CommuneSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department_id", read_only=True)
    epci = serializers.CharField(source="epci_id", read_only=True, allow_null=True)
    postal_codes = serializers.ListField(source="postal_code_list", child=serializers.CharField(), read_only=True)

    class Meta:
        model = Commune
        fields = [
            "insee_code",
            "name",
            "department",
            "epci",
            "population_municipale",
            "population_totale",
            "postal_codes",
            "latitude",
            "longitude",
        ]


class ClsSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    department = serializers.CharField(source="department_id", read_only=True)
    epcis = serializers.SlugRelatedField(many=True, read_only=True, slug_field="siren")
    communes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="insee_code")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Cls
        fields = [
            "id",
            "slug",
            "name",
            "carrier_name",
            "carrier_kind",
            "department",
            "status",
            "signature_date",
            "period",
            "epcis",
            "communes",
            "url",
        ]

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(obj.get_absolute_url()) if request else obj.get_absolute_url()


class ClsWithSourcesSerializer(ClsSerializer):
    """For the ARS: the certainty and sources behind each registry fact."""

    class Meta(ClsSerializer.Meta):
        fields = ClsSerializer.Meta.fields + ["certainty", "perimeter_certainty", "source_url", "source_url_2", "evidence", "note"]


class MobilisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mobilisation
        fields = ["slug", "title", "summary", "start", "end", "status", "source_title", "source_publisher", "source_date"]


class ResourceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Resource
        fields = ["id", "slug", "kind", "title", "description", "url", "is_funding_line"]


class ActionModelSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    mobilisation = serializers.CharField(source="mobilisation.slug", read_only=True)
    axis = serializers.CharField(source="theme.axis.code", read_only=True)
    theme = serializers.CharField(source="theme.code", read_only=True)
    modalities = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    publics = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    resources = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")

    class Meta:
        model = ActionModel
        fields = [
            "id",
            "slug",
            "mobilisation",
            "axis",
            "theme",
            "title",
            "description",
            "modalities",
            "publics",
            "partner_kinds",
            "indicators",
            "lockdown_alternative",
            "resources",
            "revision",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    latest_value = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = ["name", "unit", "target", "latest_value"]

    def get_latest_value(self, obj) -> str | None:
        return None if obj.latest_value is None else str(obj.latest_value)


class PlannedActionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    plan = serializers.UUIDField(source="plan.public_id", read_only=True)
    theme = serializers.CharField(source="theme.code", read_only=True)
    action_model = serializers.UUIDField(source="action_model.public_id", read_only=True, allow_null=True)
    modalities = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    communes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="insee_code")
    indicators = IndicatorSerializer(many=True, read_only=True)
    restricted = serializers.BooleanField(
        source="is_restricted", read_only=True, help_text="Dates prévues pendant une restriction qui bloque une de ses modalités."
    )
    restriction = serializers.SerializerMethodField(
        help_text="« restreinte », « a_verifier » (dates à préciser, une mesure en vigueur la bloquerait) ou vide."
    )

    class Meta:
        model = PlannedAction
        fields = [
            "id",
            "plan",
            "origin",
            "action_model",
            "model_revision",
            "title",
            "description",
            "theme",
            "start",
            "end",
            "modalities",
            "communes",
            "status",
            "copil_verdict",
            "restricted",
            "restriction",
            "indicators",
        ]

    def get_restriction(self, action) -> str:
        return action.restriction_flag().value


class PlanSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    cls = serializers.UUIDField(source="cls.public_id", read_only=True)
    cls_name = serializers.CharField(source="cls.name", read_only=True)
    department = serializers.CharField(source="cls.department_id", read_only=True)
    mobilisation = serializers.CharField(source="mobilisation.slug", read_only=True)
    actions_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "cls", "cls_name", "department", "mobilisation", "status", "needs", "actions_count", "created_at", "updated_at"]


class FundingRequestSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    action = serializers.UUIDField(source="action.public_id", read_only=True)
    plan = serializers.UUIDField(source="action.plan.public_id", read_only=True)
    funding_line = serializers.CharField(source="funding_line.slug", read_only=True)

    class Meta:
        model = FundingRequest
        fields = [
            "id",
            "plan",
            "action",
            "funding_line",
            "amount_requested",
            "cofunding",
            "status",
            "amount_granted",
            "refusal_reason",
            "decided_at",
            "created_at",
        ]
