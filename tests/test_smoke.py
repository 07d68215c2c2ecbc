from tests import factories


def test_home_redirects_anonymous_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")


def test_signed_in_user_sees_their_name(app, login_as):
    with app.app_context():
        factories.user("anna@example.kz", full_name="Анна Иванова")
    client = login_as("anna@example.kz")
    assert "Анна Иванова" in client.get("/", follow_redirects=True).get_data(as_text=True)
