"""URL converters for official codes: anything else is a 404 before reaching the database."""


class DepartmentCodeConverter:
    regex = "[0-9]{2}[0-9AB]?"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class InseeCodeConverter(DepartmentCodeConverter):
    regex = "[0-9][0-9AB][0-9]{3}"


class SirenConverter(DepartmentCodeConverter):
    regex = "[0-9]{9}"
