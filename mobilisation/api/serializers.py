"""API representations: official codes for territories, UUIDs for CLS."""

from rest_framework import serializers

from mobilisation.contracts.models import Cls
from mobilisation.territories.models import Commune, Department, Epci


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name", "region", "chef_lieu_code", "chef_lieu_name", "population_municipale", "population_totale"]


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
