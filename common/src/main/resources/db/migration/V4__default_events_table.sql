-- The default event table, used by feeds that name no table.
SELECT create_event_table('events');
