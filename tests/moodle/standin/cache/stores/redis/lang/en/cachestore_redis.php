<?php
$string['pluginname'] = 'Redis';
