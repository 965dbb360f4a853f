def test_home_page_renders(client):
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "Social Service Marketplace" in response.get_data(as_text=True)
