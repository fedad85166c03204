"""The ``id`` path converter: ``/schedules/{schedule_id:id}`` matches only an id written in
ASCII digits and no larger than the largest id, so a route never receives a number the
database cannot hold (a longer, larger or non-ASCII number finds no route: 404)."""

from starlette.convertors import Convertor, register_url_convertor

from watchkeep.core.ids import id_pattern


class IdConvertor(Convertor[int]):
    regex = id_pattern()

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())
