"""The public region JSON behind the cascading picker, and the picker's form macro."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired


@pytest.fixture(autouse=True)
def _blueprint_registered(app):
    assert "regions" in app.blueprints, "register marketplace.regions.views.bp in marketplace/__init__.py"


def children(client, parent=None, language="en"):
    query = {"parent": parent} if parent is not None else {}
    return client.get("/regions/children", query_string=query, headers={"Accept-Language": language})


def test_provinces_without_parent_in_chinese(client):
    response = children(client, language="zh-CN,zh;q=0.9")
    assert response.status_code == 200
    items = response.get_json()["regions"]
    assert len(items) in (31, 34)
    assert items[0] == {"code": "110000", "name": "北京市", "level": "province", "has_children": True}
    assert {"code": "610000", "name": "陕西省", "level": "province", "has_children": True} in items


def test_cities_and_counties_in_english(client):
    cities = children(client, "610000").get_json()["regions"]
    assert {"code": "610300", "name": "Baoji City", "level": "city", "has_children": True} in cities
    assert [item["code"] for item in cities] == sorted(item["code"] for item in cities)
    counties = children(client, "610300").get_json()["regions"]
    assert {"code": "610302", "name": "Weibin District", "level": "county", "has_children": False} in counties
    shanghai = children(client, "310100").get_json()["regions"]
    assert {"code": "310114", "name": "Jiading District", "level": "county", "has_children": False} in shanghai


def test_public_and_cacheable(client):
    response = children(client, "610000")
    assert response.status_code == 200  # no log-in needed
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert "Accept-Language" in response.headers["Vary"]


def test_county_has_no_children(client):
    response = children(client, "610302")
    assert response.status_code == 200 and response.get_json() == {"regions": []}


@pytest.mark.parametrize("parent", ["999999", "61030", "abc"])
def test_unknown_parent_is_404_json(client, parent):
    response = children(client, parent)
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"]["status"] == 404
    assert "public" not in response.headers.get("Cache-Control", "")


def test_picker_script_is_served(client):
    response = client.get("/static/js/region-picker.js")
    assert response.status_code == 200 and b"data-region-picker" in response.data
    response.close()


class AreaForm(FlaskForm):
    class Meta:
        csrf = False

    area = StringField("Service area", validators=[DataRequired()], description="Codes, comma-separated")
    base = StringField("Based in")


def test_macro_renders_a_plain_input_and_the_picker_once(app):
    template = app.jinja_env.from_string(
        "{% from '_macros/regions.html' import region_picker %}"
        "{{ region_picker(form.area, multiple=True) }}{{ region_picker(form.base) }}"
    )
    with app.test_request_context("/", method="POST", data={"area": ""}, headers={"Accept-Language": "en"}):
        form = AreaForm()
        form.validate()
        html = template.render(form=form)
    assert '<label class="form-label" for="area">Service area</label>' in html
    assert 'id="area"' in html and 'type="text"' in html and "is-invalid" in html
    assert 'class="invalid-feedback"' in html and 'aria-describedby="area-help"' in html
    assert 'data-input="area"' in html and 'data-multiple="true"' in html
    assert 'data-input="base"' in html and 'data-multiple="false"' in html
    assert 'data-children-url="/regions/children"' in html and 'data-label-add="Add region"' in html
    assert html.count("js/region-picker.js") == 1
    assert "style=" not in html and "<script>" not in html
