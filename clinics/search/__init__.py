"""Nearest-clinic search, pure of HTTP.

- ``params``: what a search may ask for, and the one validator the page and the API share.
- ``nearby``: the entry point, ``search_nearby``: from a visitor's place or coordinates to ranked clinics.
- ``ranking``: ranking clinics around a point (box prefilter, exact distances, the widening fallback).
- ``geometry``: great-circle distances and the bounding box of a circle.
- ``box``: the one SQL query behind ``Clinic.objects.in_box``.
- ``details``: each clinic's services and hours, cached per version.
"""
