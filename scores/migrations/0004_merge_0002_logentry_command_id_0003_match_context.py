# Merge of srv (0002) and accounts (0003).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('scores', '0002_logentry_command_id'),
        ('scores', '0003_match_context'),
    ]

    operations = [
    ]
