<?php
$string['pluginname'] = 'Moodle app tools';
