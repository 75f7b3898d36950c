<?php
$string['pluginname'] = 'Assignment';
