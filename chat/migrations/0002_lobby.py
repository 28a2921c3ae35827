from django.db import migrations


def create_lobby(apps, schema_editor):
    Room = apps.get_model("chat", "Room")
    Room.objects.get_or_create(slug="lobby", defaults={"title": "Lobby"})


def remove_lobby(apps, schema_editor):
    Room = apps.get_model("chat", "Room")
    Room.objects.filter(slug="lobby").delete()


class Migration(migrations.Migration):
    dependencies = [("chat", "0001_initial")]

    operations = [migrations.RunPython(create_lobby, remove_lobby)]
